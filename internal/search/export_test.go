package search

// SetFreezeUnits sets how many units a static index collects before it
// sets its collector aside (freezeUnits), and returns the restore.
func SetFreezeUnits(n int) (restore func()) {
	old := freezeUnits
	freezeUnits = n
	return func() { freezeUnits = old }
}
