"""Project data: outcome catalogue, taxonomies, councils, example profiles (YAML and CSV).

This is a package only so the data ships with an installed poaudit; it holds no code.
"""
