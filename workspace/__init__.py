"""Each role's front door: where a person lands after signing in, and the secretariat's dashboard."""
