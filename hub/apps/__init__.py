"""Apps a member connects to their care page with SMART on FHIR (#32): the operator registers each app with its
redirect addresses; a member will give an app their consent, bounded by what they may see, and stop it.

This first part holds the registration (``carehub app add / list / remove``); the authorization server, the
consent page and the FHIR API of a care page build on it.
"""
