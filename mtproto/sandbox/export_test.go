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

// Blocked lists the ids userID has blocked (the main blocklist), oldest first, for tests.
func (s *Server) Blocked(userID int64) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[userID]
	if u == nil {
		return nil
	}
	out := make([]int64, 0, len(u.blocked))
	for _, e := range u.blocked {
		out = append(out, e.id)
	}
	return out
}
