"""PDFs: download from arXiv, isolated text and image extraction, figures, local import, opening.

Nothing here parses a PDF in the calling process: every pypdf call runs in
`python -m readr.pdfs.worker` (see readr.pdfs.extract) under a wall-clock timeout, a memory
limit and a page cap. Importing this package is cheap (no pypdf, no requests).
"""
