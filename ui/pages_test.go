package ui

import (
	"testing"
)

func TestPageFor(t *testing.T) {
	want := map[Step]page{
		StepPhone:          pagePhone,
		StepCode:           pageCode,
		StepSignUpRequired: pageSignUpWarning, // never straight to the name form
		StepPassword:       pagePassword,
		StepSetPassword:    pageSetPassword,
		StepConfirmEmail:   pageConfirmEmail,
		StepReady:          pageMain,
		Step(-1):           pagePhone,
		Step(99):           pagePhone,
	}
	for s, p := range want {
		if got := pageFor(s); got != p {
			t.Errorf("pageFor(%v) = %v, want %v", s, got, p)
		}
	}
	for s := StepPhone; s <= StepReady; s++ {
		if s != StepReady && pageFor(s) == pageMain {
			t.Errorf("step %v opens the main window", s)
		}
		if pageFor(s) == pageSignUpName {
			t.Errorf("step %v skips the registration warning", s)
		}
	}
	if Step(42).String() != "unknown step" || StepSetPassword.String() != "set password" {
		t.Error("Step.String")
	}
}
