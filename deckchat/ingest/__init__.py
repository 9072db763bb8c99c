"""Bytes in, a Deck out: validate, convert, render, extract, OCR, split notes."""
