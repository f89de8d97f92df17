package ui

import (
	"context"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// appearancePage is the settings' appearance section: the colour scheme.
type appearancePage struct {
	*prefControls
	theme *widget.RadioGroup
}

// themeChoices are the colour schemes, in the order shown.
var themeChoices = []struct {
	label string
	theme ThemeChoice
}{{"As the desktop says", ThemeSystem}, {"Light", ThemeLight}, {"Dark", ThemeDark}}

func (u *UI) appearanceSection() (fyne.CanvasObject, func()) {
	p := &appearancePage{prefControls: newPrefControls()}
	u.appearancePg = p
	var labels []string
	for _, c := range themeChoices {
		labels = append(labels, c.label)
	}
	p.theme = widget.NewRadioGroup(labels, func(label string) {
		choice := ThemeSystem
		for _, c := range themeChoices {
			if c.label == label {
				choice = c.theme
			}
		}
		if p.loading {
			return
		}
		u.SetTheme(choice)
		u.savePrefs(p.prefControls, func(ctx context.Context, prefs Preferences) error {
			return prefs.SetTheme(ctx, choice)
		})
	})
	p.theme.Required = true
	p.show = func(pr Prefs) {
		p.theme.SetSelected(themeChoices[0].label)
		for _, c := range themeChoices {
			if c.theme == pr.Theme {
				p.theme.SetSelected(c.label)
			}
		}
	}
	p.undo = func(pr Prefs) { u.SetTheme(pr.Theme) }
	p.load(u.svc.Preferences.Preferences())

	box := container.NewVBox(sectionHeading("Appearance"), labeled("Colours", p.theme), p.err, u.demoKeepsPrefs())
	return column(box), nil
}

// SetTheme gives the window the colour scheme t: at start (before Run, from the kept preferences) and when
// the user chooses another.
func (u *UI) SetTheme(t ThemeChoice) {
	switch t {
	case ThemeLight:
		u.app.Settings().SetTheme(variantTheme{Theme: theme.DefaultTheme(), variant: theme.VariantLight})
	case ThemeDark:
		u.app.Settings().SetTheme(variantTheme{Theme: theme.DefaultTheme(), variant: theme.VariantDark})
	default:
		u.app.Settings().SetTheme(theme.DefaultTheme())
	}
}

// variantTheme is a theme with its variant (light or dark) fixed, whatever the desktop prefers.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

// Color implements fyne.Theme with the fixed variant.
func (t variantTheme) Color(name fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(name, t.variant)
}
