"""cardscan's tests (a regular package, so a stray `tests` package in site-packages cannot shadow it)."""
