"""vnextract: read Vietnamese government and political news into tables.

    from extract import Extractor
    ex = Extractor()                  # loads resources once
    tables = ex.run(records)          # records: dicts with id, title, text ...
    tables.officials                  # a pandas DataFrame
    doc = ex.doc(text)                # a spaCy Doc: doc.ents, doc.spans, doc._.officials ...
"""

from .normalize import normalize_text
from .pipeline import Extractor
from .tables import Tables

__all__ = ["Extractor", "Tables", "normalize_text"]
__version__ = "0.1.0"
