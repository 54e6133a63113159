"""Care pages (circles): members, roles and permissions, invitations."""
