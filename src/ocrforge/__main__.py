from ocrforge.cli import main

raise SystemExit(main())
