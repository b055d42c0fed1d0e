"""Nursery admission allocation (保育所利用調整): score, prioritise, allocate, check, explain.

No Django here: plain data in (`kyodo.hoiku.model.instance`), plain data out.
"""
