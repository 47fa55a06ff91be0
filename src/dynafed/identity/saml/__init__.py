"""SAML 2.0 (AssumeRoleWithSAML): the response verifier (`verifier`) with its parts
(`signature`, `assertion`, `attributes`), AWS's wording (`messages`), and reading an IdP's
metadata document (`metadata`, what CreateSAMLProvider keeps)."""
