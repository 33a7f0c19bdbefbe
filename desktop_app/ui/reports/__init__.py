"""The print dialog: choose a sheet, preview its pages, print or save the PDF."""
