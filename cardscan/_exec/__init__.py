"""Wrappers around external programs, one module each; nothing else in cardscan builds command lines."""
