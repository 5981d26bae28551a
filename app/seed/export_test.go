package seed

// SetBatchSizes makes chunks and INSERT statements small, so that a test with a few dozen
// customers crosses their boundaries; the returned func restores the defaults.
func SetBatchSizes(chunk, rows int) (restore func()) {
	c, r := chunkSize, batchRows
	chunkSize, batchRows = chunk, rows
	return func() { chunkSize, batchRows = c, r }
}
