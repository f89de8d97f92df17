package ui

// fakeAbout is the About role with fixed words.
type fakeAbout struct {
	calls
	info AboutInfo
}

func (f *fakeAbout) About() AboutInfo {
	f.record("About")
	return f.info
}
