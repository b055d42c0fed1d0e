"""Formats of a result: workbook, notices, chart."""
