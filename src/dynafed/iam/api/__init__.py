"""The IAM API's use cases behind the Query-protocol edge: roles, their policies, tags and
boundaries, managed policies, identity providers; `service.py` maps each action to one."""
