package ui

import (
	"context"
	"net"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// The ways to reach Telegram as the connection page offers them.
var connectionChoices = []string{"Direct", "SOCKS5 proxy", "Tor", "MTProxy"}

// What each way means for who sees what, shown under the choice.
var connectionExplained = [...]string{
	ConnectDirect: "Your network sees that you use Telegram, and Telegram sees your IP address, which " +
		"tells roughly where you are.",
	ConnectSOCKS5: "Telegram sees the proxy's address instead of yours. Whoever runs the proxy sees that " +
		"you use Telegram, and when.",
	ConnectTor: "Telegram sees the address of a Tor exit, and your network sees only Tor. Tacit keeps its " +
		"own circuits, apart from other programs. Tor must be running on this computer.",
	ConnectMTProxy: "The proxy hides that this is Telegram traffic from your network. Whoever runs it sees " +
		"your IP address. Paste the link exactly as it was shared.",
}

// connectionForm is the choice of how Tacit reaches Telegram, with the fields of each way. The wizard's
// connection page and the connection settings share it; it tests the choice before it is used.
type connectionForm struct {
	choice    *widget.RadioGroup
	explained *widget.Label

	host, port, user, password *widget.Entry
	tor                        *widget.RadioGroup
	link                       *widget.Entry

	hostErr, portErr, userErr, linkErr *widget.Label

	socks, torBox, mtproxy *fyne.Container
	content                fyne.CanvasObject
	torAddrs               []string
}

// torChoice names a Tor address for the radio buttons: the first is the tor service's, the second Tor
// Browser's.
func torChoice(i int, addr string) string {
	if i == 0 {
		return "Tor service (" + addr + ")"
	}
	return "Tor Browser (" + addr + ")"
}

func newConnectionForm(c Connection, torAddrs []string) *connectionForm {
	f := &connectionForm{
		explained: wrapped(""),
		host:      widget.NewEntry(), port: widget.NewEntry(), user: widget.NewEntry(), password: widget.NewPasswordEntry(),
		link:    widget.NewMultiLineEntry(),
		hostErr: errorLabel(), portErr: errorLabel(), userErr: errorLabel(), linkErr: errorLabel(),
		torAddrs: torAddrs,
	}
	f.host.SetPlaceHolder("proxy.example.org")
	f.port.SetPlaceHolder("1080")
	f.link.SetPlaceHolder("tg://proxy?server=…&port=…&secret=…")
	f.link.Wrapping = fyne.TextWrapBreak
	f.link.SetMinRowsVisible(3)
	var tors []string
	for i, a := range torAddrs {
		tors = append(tors, torChoice(i, a))
	}
	f.tor = widget.NewRadioGroup(tors, nil)
	f.tor.Required = true
	if len(tors) > 0 {
		f.tor.SetSelected(tors[0])
	}

	f.socks = container.NewVBox(
		container.NewGridWithColumns(2, labeled("Host", f.host, f.hostErr), labeled("Port", f.port, f.portErr)),
		container.NewGridWithColumns(2, labeled("User name (optional)", f.user), labeled("Password (optional)", f.password)),
		f.userErr,
	)
	f.torBox = container.NewVBox(f.tor, f.portErr)
	f.mtproxy = container.NewVBox(labeled("MTProxy link", f.link, f.linkErr))
	f.choice = widget.NewRadioGroup(connectionChoices, func(string) { f.kindChanged() })
	f.choice.Horizontal = true
	f.choice.Required = true
	f.content = container.NewVBox(f.choice, f.explained, f.socks, f.torBox, f.mtproxy)
	f.set(c)
	return f
}

// set shows c in the fields.
func (f *connectionForm) set(c Connection) {
	switch c.Kind {
	case ConnectSOCKS5:
		f.host.SetText(c.Host)
		f.port.SetText(c.Port)
		f.user.SetText(c.User)
		f.password.SetText(c.Password)
	case ConnectTor:
		addr := net.JoinHostPort(c.Host, c.Port)
		if i := slices.Index(f.torAddrs, addr); i >= 0 {
			f.tor.SetSelected(torChoice(i, addr))
		}
	case ConnectMTProxy:
		f.link.SetText(c.Link)
	}
	f.choice.SetSelected(connectionChoices[c.Kind])
	f.kindChanged()
}

// kind is the way chosen.
func (f *connectionForm) kind() ConnectionKind {
	if i := slices.Index(connectionChoices, f.choice.Selected); i >= 0 {
		return ConnectionKind(i)
	}
	return ConnectDirect
}

// kindChanged shows what the chosen way means and its fields.
func (f *connectionForm) kindChanged() {
	k := f.kind()
	f.explained.SetText(connectionExplained[k])
	show := func(c *fyne.Container, on bool) {
		if on {
			c.Show()
		} else {
			c.Hide()
		}
	}
	show(f.socks, k == ConnectSOCKS5)
	show(f.torBox, k == ConnectTor)
	show(f.mtproxy, k == ConnectMTProxy)
}

// connection is the way chosen, as typed.
func (f *connectionForm) connection() Connection {
	c := Connection{Kind: f.kind()}
	switch c.Kind {
	case ConnectSOCKS5:
		c.Host, c.Port, c.User, c.Password = f.host.Text, f.port.Text, f.user.Text, f.password.Text
	case ConnectTor:
		for i, a := range f.torAddrs {
			if f.tor.Selected == torChoice(i, a) {
				// The addresses come from the application, host and port.
				if host, port, err := net.SplitHostPort(a); err == nil {
					c.Host, c.Port = host, port
				}
			}
		}
	case ConnectMTProxy:
		c.Link = f.link.Text
	}
	return c
}

// controls are the inputs, to disable while a test runs.
func (f *connectionForm) controls() []fyne.Disableable {
	return []fyne.Disableable{f.choice, f.host, f.port, f.user, f.password, f.tor, f.link}
}

// withErrors shows the problems about each field under it.
func (f *connectionForm) withErrors(fm *form) *form {
	return fm.with(FieldProxyHost, f.hostErr).with(FieldProxyPort, f.portErr).with(FieldProxyUser, f.userErr).
		with(FieldProxyLink, f.linkErr)
}

// testingText is what the busy line says while the connection is tested.
func testingText(c Connection) string {
	if c.Kind == ConnectDirect {
		return "Connecting to Telegram…"
	}
	return "Connecting to Telegram through " + connectionChoices[c.Kind] + "…"
}

// wizardConnectionPage is the wizard's choice of how Tacit reaches Telegram, tested before going on.
type wizardConnectionPage struct {
	conn       *connectionForm
	err        *widget.Label
	back, next *widget.Button
	busy       *busyIndicator
	form       *form
}

func (u *UI) showWizardConnection() {
	p := &wizardConnectionPage{conn: newConnectionForm(u.wiz.conn, u.wiz.saved.TorAddrs), err: errorLabel()}
	p.back = widget.NewButton("Back", func() { u.showWizardBack(pageWizardConnection) })
	p.next = widget.NewButton("Test and continue", func() { u.submitConnection(p) })
	p.next.Importance = widget.HighImportance
	p.busy = newBusyWithText("", append(p.conn.controls(), p.back, p.next)...)
	p.form = p.conn.withErrors(u.newForm(p.busy, p.err))
	u.wizConnPg = p

	footer := container.NewVBox(p.err, buttonRow(p.busy, p.back, p.next))
	u.setPage(pageWizardConnection, u.loginFrameWithFooter("How Tacit reaches Telegram",
		"Chosen before the first packet leaves this computer: signing in and signing up go the same way. "+
			"With a proxy, Tacit connects only through it and never directly, even when it fails.",
		footer, p.conn.content))
}

func (u *UI) submitConnection(p *wizardConnectionPage) {
	if p.form.working() {
		return
	}
	c := p.conn.connection()
	u.wiz.conn = c
	p.busy.label.SetText(testingText(c))
	p.form.run(func(ctx context.Context) (func(), error) {
		err := u.wiz.setup.TestConnection(ctx, c)
		return func() { u.showWizardNext(pageWizardConnection) }, err
	})
}
