"""The Cognito user pools API (`cognito-idp`, JSON 1.1) over the built-in user pools: one
module per resource (pools, clients, users, auth), `service.py` maps operations to them."""
