"""What the notebooks call: load results, summarise them, chart them, look at one article.

- :mod:`extract.explore.results`: a results folder (Parquet, else CSV) or the
  shipped sample as :class:`~extract.tables.Tables`; finding an article's
  input record.
- :mod:`extract.explore.summaries`: tables for analysts (who appears most
  and with which positions, agencies, provinces, most-cited documents and
  since when, mentions by month, officials × provinces, the 2025 merger).
- :mod:`extract.explore.charts`: matplotlib Figures of those tables.
- :mod:`extract.explore.article`: one article with its entities highlighted
  (displaCy) and its records beside it.

The chart and article modules need matplotlib and spaCy's displaCy; this
package imports nothing by itself, so ``extract.explore.results`` stays
light for ``vnextract export``.
"""
