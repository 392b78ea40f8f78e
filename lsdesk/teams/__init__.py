"""Working with a Label Studio server: push a project, pull the team's work back, clone a server project."""
