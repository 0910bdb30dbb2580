"""Data shipped with spendcat: the first-name list `spendcat check` uses (first_names.txt)."""
