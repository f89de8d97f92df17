package sandbox

// DemoUsername is the username of the demo contact with this first name
// ("" when there is none).
func DemoUsername(name string) string {
	for _, c := range demoContacts {
		if c.Name == name {
			return c.Username
		}
	}
	return ""
}

// KeptUploads is how many used uploads stay usable for a resend.
const KeptUploads = keptUploads
