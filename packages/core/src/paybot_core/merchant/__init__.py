"""The merchant's side: payment links, events (an outbox written with the session), webhooks,
payments queries and receipts (../shared/spec/merchant-api.md)."""
