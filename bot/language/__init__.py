"""Language: normalisation, the one Sudachi analyser, features and synonyms."""
