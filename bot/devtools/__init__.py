"""Development tools: the terminal chat and the time travel. Nothing in the product imports them."""
