package web

import (
	"context"
	"net/http"

	"agent/app/account"
)

// visit is what the middleware learned about the request: who is logged in and, on
// workspace pages, which workspace and with what membership.
type visit struct {
	token      string
	session    account.Session
	user       account.User
	loggedIn   bool
	workspace  account.Workspace
	membership account.Membership
	workspaces []account.Workspace
}

type visitKey struct{}

func withVisit(r *http.Request, v *visit) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), visitKey{}, v))
}

// visitOf returns the request's visit; loadSession always sets one.
func visitOf(r *http.Request) *visit {
	if v, ok := r.Context().Value(visitKey{}).(*visit); ok {
		return v
	}
	return &visit{}
}
