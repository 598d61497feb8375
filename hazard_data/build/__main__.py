"""``python -m hazard_data.build``: build the reference hazard pack."""

from hazard_data.build import main

raise SystemExit(main())
