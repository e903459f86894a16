"""Who is really in a class's chat: a member list read, matched with the school's people, recorded.

`listing` reads a member list (text copied from MAX's member list, or a
table the school typed); `display` reads what a display name says;
`matching` sorts every member into matched, other class, outsider or
unsure and lists who of the class is missing (pure functions); `recording`
turns a result, or the administrator's decisions on a returned sheet, into
the store's verified steps and member checks.
"""
