"""The ``climrisk`` command line: one module per command group, no maths here."""
