# Spanish as Latin America writes it: "1.234,50" (Django's default for es groups with a
# non-breaking space, as in Spain's style guide).
THOUSAND_SEPARATOR = "."
