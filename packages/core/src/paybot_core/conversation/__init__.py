"""The conversation: session state, typed turns, the dialog engine and its events, the replies."""
