/**
 * For the rfc profile a failure's consequence is the rule broken and who notices: the RFC 7644 /
 * RFC 7643 section, and the clients (Entra, Okta, Microsoft's SCIM Validator, generic SCIM SDKs)
 * that read that behaviour and break without it.
 */
export const RFC = {
  discovery: 'RFC 7644 §4 requires this endpoint; generic SCIM clients and SDKs read it to learn what the server supports, and Microsoft\'s SCIM Validator fails the server',
  schemas: 'RFC 7644 §4 / RFC 7643 §7 require the schema definitions; clients that map attributes from them (SDKs, Okta\'s attribute import) find none',
  errorBody: 'RFC 7644 §3.12 requires a SCIM Error body with the status as a string; clients show a generic failure instead of the server\'s reason',
  invalidFilter: 'RFC 7644 §3.4.2.2 requires 400 invalidFilter for a filter the server cannot parse; a 200 or 500 hides the mistake from the client that sent it',
  uniqueness: 'RFC 7644 §3.3 requires 409 with scimType uniqueness for a duplicate; Okta and Entra log the push as failed without saying why',
  auth: 'RFC 7644 §2 and §3.12: an unauthenticated request must be refused with 401; anything else means anyone can read or change the directory',
  invalidSyntax: 'RFC 7644 §3.12 requires 400 invalidSyntax for a body that is not valid JSON; a 500 makes clients retry a request that can never succeed',
  create: 'RFC 7644 §3.3 requires 201 with the created resource and its id; every client fails the create and everything after it',
  filter: 'RFC 7644 §3.4.2.2 defines this operator; clients and scripts that send it get the wrong users, and a sync built on it changes the wrong accounts',
  paging: 'RFC 7644 §3.4.2.4 defines startIndex and count; a client paging through the users misses some or reads some twice',
  sort: 'RFC 7644 §3.4.2.3: a server that declares sort.supported must sort; clients showing sorted lists show them out of order',
  projection: 'RFC 7644 §3.4.2.5 defines attributes and excludedAttributes; clients that ask for less (Entra for large groups) get everything and can time out',
  groups: 'RFC 7644 §3.3 / §3.5.1 and RFC 7643 §4.2: members are stored with their value; clients that manage access through groups grant the wrong access',
  delete: 'RFC 7644 §3.6 requires 204 and a 404 afterwards; clients that delete think the group is still there, or gone when it is not',
} as const;
