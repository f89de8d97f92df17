package store

// SchemaVersion returns the schema version this build of Tacit writes.
func SchemaVersion() int { return len(migrations) }
