"""The sortition engine: fair selection by lot within quotas, in plain Python.

The problem (`model`), LEXIMIN and its column generation (`leximin`, `pricing`, `solver`),
the legacy greedy draw (`legacy`), the seeded draw and its published procedure (`draw`),
replacements after declines (`replacement`), infeasibility diagnoses (`diagnosis`), the
Sortition Foundation's CSV files (`csvio`), synthetic pools (`synthetic`) and one entry
point for a whole draw (`service`). It imports nothing from Django or from the rest of
Minga, so the platform, the `minga sortition` command and the benchmarks share it as is.
"""
