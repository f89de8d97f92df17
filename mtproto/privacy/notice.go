package privacy

// Notice is text the user must read and acknowledge before an action.
type Notice struct {
	Title string
	// Points are short paragraphs, in the order to show them.
	Points []string
	// Acknowledge is the label of the control that records the user's
	// explicit agreement.
	Acknowledge string
}

// SignUpNotice is what Tacit shows when a phone number has no account yet,
// before auth.signUp. mtproto.Login refuses to sign up unless the user
// acknowledged it (SignUpForm.Acknowledged).
func SignUpNotice() Notice {
	return Notice{
		Title: "Before you create an account",
		Points: []string{
			"Telegram can tell everyone who has saved this phone number in their contacts that you joined. " +
				"Tacit asks the server not to announce you, but whether it complies is up to Telegram's server; " +
				"Tacit cannot prevent or take back an announcement.",
			"Until the number is hidden, anyone who knows or guesses it can look it up and find your account. " +
				"Tacit hides it right after sign-up: your number becomes visible to nobody and only your contacts can find you by it.",
			"A number nobody has saved, that is not linked to your name, is the safer choice: " +
				"then there is nobody to announce you to and nothing to look up.",
			"Telegram says that accounts which sign up or log in from unofficial clients such as Tacit may be watched more closely " +
				"and, in rare cases, restricted or banned.",
			"Tacit will ask you to set a 2-step verification password before you can use the account, so that a copied SIM card " +
				"or an intercepted login code is not enough to take it over.",
		},
		Acknowledge: "I understand; create the account",
	}
}
