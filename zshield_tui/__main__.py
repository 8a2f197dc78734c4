from zshield_tui.cli import main

raise SystemExit(main())
