"""The AWS SDK for JavaScript v3 side of the end-to-end tests, and the federation set-up the
Python and Node tests share."""
