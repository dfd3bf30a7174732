// Command agent is a self-hosted AI customer agent: one binary that answers customers
// from the business's own knowledge and hands off to humans in a shared inbox.
package main

import (
	"context"
	"os"

	"agent/app/cli"
)

// version is set at build time: -ldflags "-X main.version=..."
var version = "dev"

func main() {
	os.Exit(cli.Run(context.Background(), os.Args[1:], cli.DefaultEnv(version)))
}
