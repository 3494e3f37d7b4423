import sys

from counselling.cli import main

sys.exit(main())
