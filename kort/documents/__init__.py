"""Documents the committee takes to its meeting: PDF (ReportLab), charts (matplotlib) and
Excel (openpyxl), built from the plain views of store/documentviews.py. Pure like the rest of
kort/: data in, bytes out; nothing here reads the database or sends anything."""
