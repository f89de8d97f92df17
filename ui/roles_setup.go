package ui

import "context"

// Setup is what the first-start wizard needs before any local data exists: how Tacit reaches Telegram,
// chosen and tested before the first packet to Telegram, and the API credentials, or the demo instead. The
// UI receives it at construction (NewWizard), like the Vault; every method but CheckCredentials may be slow
// and is called off the event goroutine.
type Setup interface {
	// Saved returns what is configured already (the preferences, the command line), to fill in the pages.
	Saved(ctx context.Context) (SetupState, error)

	// TestConnection connects to Telegram the way c says and asks for its configuration (help.getConfig).
	// With a proxy it never connects any other way: a proxy that cannot carry the connection is an error
	// that says so. It saves nothing.
	TestConnection(ctx context.Context, c Connection) error

	// CheckCredentials checks an api_id and api_hash as typed (their form only) and returns at once. Its
	// error carries FieldAPIID or FieldAPIHash.
	CheckCredentials(apiID, apiHash string) error

	// UseCredentials checks the credentials with Telegram through c (help.getConfig), then saves c and the
	// credentials in the profile's preferences and returns the Vault of the profile's local data.
	UseCredentials(ctx context.Context, c Connection, apiID, apiHash string) (Vault, error)

	// Demo starts the local demo server in this process and returns the Vault of a profile that lives in
	// memory only: nothing reaches Telegram and nothing is written to disk.
	Demo(ctx context.Context) (Vault, error)
}

// SetupState is what Setup.Saved found.
type SetupState struct {
	Connection Connection
	// TorAddrs are where Tor listens on this computer, host:port, to offer: the tor service's, then Tor
	// Browser's.
	TorAddrs []string
	// APIID and APIHash are the saved credentials; empty when there are none.
	APIID, APIHash string
}

// ConnectionKind is how Tacit reaches Telegram.
type ConnectionKind int

// The ways to reach Telegram.
const (
	ConnectDirect  ConnectionKind = iota // straight to Telegram's servers
	ConnectSOCKS5                        // through a SOCKS5 proxy, with or without user name and password
	ConnectTor                           // through Tor's SOCKS port on this computer
	ConnectMTProxy                       // through an MTProxy, given as the link Telegram shares it with
)

// Connection is a way to reach Telegram as the user chose it. Which fields count depends on Kind; the
// application checks them with the engine's one proxy grammar.
type Connection struct {
	Kind ConnectionKind
	// Host and Port of a SOCKS5 proxy or of Tor (Port as typed).
	Host, Port string
	// User and Password of a SOCKS5 proxy; both empty when it needs none. The password is kept in the
	// profile's preferences file (readable only by this user), like the proxy itself.
	User, Password string
	// Link is an MTProxy link: tg://proxy?server=…&port=…&secret=… or https://t.me/proxy?….
	Link string
}

// ConnectionSettings is how Tacit reaches Telegram, changed from the settings once the local data is open.
// The running connection stays as it is: what is saved is used from Tacit's next start.
type ConnectionSettings interface {
	// Connection returns the way saved in the profile's preferences, the Tor addresses to offer and, when the
	// way cannot be changed here, why.
	Connection(ctx context.Context) (ConnectionState, error)

	// TestConnection connects to Telegram the way c says, as Setup.TestConnection does; it saves nothing.
	TestConnection(ctx context.Context, c Connection) error

	// SaveConnection tests c as TestConnection does and, when Telegram answered, saves it in the profile's
	// preferences for the next start. Nothing is saved when the test fails.
	SaveConnection(ctx context.Context, c Connection) error
}

// ConnectionState is what ConnectionSettings.Connection found.
type ConnectionState struct {
	Connection Connection
	// TorAddrs are where Tor listens on this computer, host:port, as in SetupState.
	TorAddrs []string
	// Fixed says, in words for the user, why the way cannot be changed here (the demo runs inside Tacit);
	// "" when it can.
	Fixed string
}
