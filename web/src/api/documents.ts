// Every GraphQL document the explorer sends. graphql-codegen checks them against
// ../schema.graphql and types their answers (src/gql/, generated at build time).
import { graphql } from "../gql";

export const MeQuery = graphql(`
  query Me {
    me { userId agency roles clearance purpose }
  }
`);

graphql(`
  fragment OffenderCard on Offender {
    id forename surname aliases dob gender pncId nominalType riskLevel mappaCategory mappaLevel
    managingAgency { code name }
    photos { id url thumbnailUrl }
  }
`);

graphql(`
  fragment RestrictedCard on RestrictedNominal {
    id
    managingAgency { code name publicProtectionContact }
    accessRequest { ...RequestState }
  }
`);

/** Where your agency's request for a share of a restricted nominal stands. */
graphql(`
  fragment RequestState on AccessRequest {
    id state mode ceiling requestedAt decidedAt reason grantedCeiling grantedUntil
  }
`);

/** A restricted nominal with its identification card (NATIONAL_SEARCH only; null otherwise). */
graphql(`
  fragment RestrictedIdentity on RestrictedNominal {
    ...RestrictedCard
    card { forename surname dob gender photos { id url thumbnailUrl } }
  }
`);

export const SearchNamesQuery = graphql(`
  query SearchNames($name: String!, $first: Int!) {
    searchOffenders(name: $name, first: $first) {
      edges {
        score
        nominal {
          __typename
          ... on Offender { ...OffenderCard }
          ... on RestrictedNominal { ...RestrictedCard }
        }
      }
    }
  }
`);

export const SearchPlatesQuery = graphql(`
  query SearchPlates($vrm: String!, $first: Int!) {
    vehicles(vrm: $vrm, first: $first) {
      edges {
        node {
          id vrm make model colour
          users(first: 10) {
            edges {
              role from to
              person {
                __typename
                ... on Offender { ...OffenderCard }
                ... on Associate { id forename surname dob }
                ... on RestrictedNominal { ...RestrictedCard }
              }
            }
          }
        }
      }
    }
  }
`);

export const SearchMarksQuery = graphql(`
  query SearchMarks($type: MarkType, $text: String, $first: Int!) {
    searchMarks(type: $type, text: $text, first: $first) {
      edges {
        score
        mark { id type bodyPart side description photos { id url thumbnailUrl } }
        bearer {
          __typename
          ... on Offender { ...OffenderCard }
          ... on RestrictedNominal { ...RestrictedCard }
        }
      }
    }
  }
`);

/** A witness enquiry: candidates ranked by the clues they match, with the reasons. */
export const IdentifyQuery = graphql(`
  query Identify(
    $gender: Gender, $ageFrom: Int, $ageTo: Int, $name: String,
    $marks: [MarkClue!], $vehicle: VehicleClue, $place: PlaceClue, $first: Int!
  ) {
    identify(
      gender: $gender, ageFrom: $ageFrom, ageTo: $ageTo, name: $name,
      marks: $marks, vehicle: $vehicle, place: $place, first: $first
    ) {
      score reasons
      nominal {
        __typename
        ... on Offender { ...OffenderCard }
        ... on RestrictedNominal { ...RestrictedIdentity }
      }
    }
  }
`);

graphql(`
  fragment AccessRequestRow on AccessRequest {
    ...RequestState
    justification purpose requesterUserId decidedBy
    requesterAgency { code name }
    managingAgency { code name }
    offender {
      __typename
      ... on Offender { id forename surname pncId }
      ... on RestrictedNominal { id }
    }
  }
`);

/** Requests your agency made and those made to it (both sides, rule 8), newest first. */
export const AccessRequestsQuery = graphql(`
  query AccessRequests($state: AccessRequestState, $first: Int!) {
    accessRequests(state: $state, first: $first) { ...AccessRequestRow }
  }
`);

export const RequestAccessMutation = graphql(`
  mutation RequestAccess($offenderId: ID!, $justification: String!, $mode: ShareMode!, $ceiling: Classification!) {
    requestAccess(offenderId: $offenderId, justification: $justification, mode: $mode, ceiling: $ceiling) {
      ...AccessRequestRow
    }
  }
`);

export const DecideAccessRequestMutation = graphql(`
  mutation DecideAccessRequest($id: ID!, $approve: Boolean!, $ceiling: Classification, $until: Date, $reason: String) {
    decideAccessRequest(id: $id, approve: $approve, ceiling: $ceiling, until: $until, reason: $reason) {
      ...AccessRequestRow
    }
  }
`);

export const WithdrawAccessRequestMutation = graphql(`
  mutation WithdrawAccessRequest($id: ID!) {
    withdrawAccessRequest(id: $id) { ...AccessRequestRow }
  }
`);

graphql(`
  fragment DrawnOffender on Offender {
    id forename surname dob pncId riskLevel nominalType mappaLevel managingAgency { code name }
  }
`);

graphql(`
  fragment GraphNode on NetworkNode {
    __typename
    ... on Offender { ...DrawnOffender }
    ... on Associate { id forename surname dob }
    ... on Address { id line1 town postcode kind }
    ... on Vehicle { id vrm make model colour }
    ... on Mark { id type bodyPart side description }
    ... on RestrictedNominal { ...RestrictedCard }
  }
`);

graphql(`
  fragment GraphEdge on NetworkEdge { source target type from to agency classification }
`);

graphql(`
  fragment LinkedPersonNode on LinkedPerson {
    __typename
    ... on Offender { ...DrawnOffender }
    ... on Associate { id forename surname dob }
    ... on RestrictedNominal { ...RestrictedCard }
  }
`);

/** The drawing around an offender, and whether each list expanded holds links withheld from
 * the principal (`withheld`: never how many). */
export const NetworkQuery = graphql(`
  query Network(
    $offenderId: ID!, $depth: Int!, $linkTypes: [LinkType!], $asOf: Date,
    $addresses: Boolean!, $associates: Boolean!, $vehicles: Boolean!, $marks: Boolean!
  ) {
    network(offenderId: $offenderId, depth: $depth, linkTypes: $linkTypes, asOf: $asOf) {
      nodes { ...GraphNode }
      edges { ...GraphEdge }
    }
    lists: offender(id: $offenderId) {
      addresses(asOf: $asOf, first: 1) @include(if: $addresses) { withheld }
      associates(asOf: $asOf, first: 1) @include(if: $associates) { withheld }
      vehicles(asOf: $asOf, first: 1) @include(if: $vehicles) { withheld }
      marks(asOf: $asOf, first: 1) @include(if: $marks) { withheld }
    }
  }
`);

/** One hop out of a node that is not an offender (an offender expands through `network`). */
export const ExpandQuery = graphql(`
  query Expand(
    $id: ID!, $asOf: Date, $first: Int!,
    $addresses: Boolean!, $associates: Boolean!, $vehicles: Boolean!, $residents: Boolean!, $users: Boolean!
  ) {
    node(id: $id) {
      __typename
      ... on Associate {
        id
        addresses(asOf: $asOf, first: $first) @include(if: $addresses) {
          totalCount withheld
          edges { from to agency classification address { id line1 town postcode kind } }
        }
        associates(asOf: $asOf, first: $first) @include(if: $associates) {
          totalCount withheld
          edges { from to agency classification type person { ...LinkedPersonNode } }
        }
        vehicles(asOf: $asOf, first: $first) @include(if: $vehicles) {
          totalCount withheld
          edges { from to agency classification role vehicle { id vrm make model colour } }
        }
      }
      ... on Address {
        id
        residents(asOf: $asOf, first: $first) @include(if: $residents) {
          totalCount withheld
          edges { from to agency classification main person { ...LinkedPersonNode } }
        }
      }
      ... on Vehicle {
        id
        users(asOf: $asOf, first: $first) @include(if: $users) {
          totalCount withheld
          edges { from to agency classification role person { ...LinkedPersonNode } }
        }
      }
    }
  }
`);

export const ShortestPathQuery = graphql(`
  query ShortestPath($fromId: ID!, $toId: ID!, $maxHops: Int!) {
    shortestPath(fromId: $fromId, toId: $toId, maxHops: $maxHops) {
      length
      nodes { ...GraphNode }
      edges { ...GraphEdge }
    }
  }
`);

export const CommonAssociatesQuery = graphql(`
  query CommonAssociates($firstId: ID!, $secondId: ID!) {
    commonAssociates(firstId: $firstId, secondId: $secondId) { ...LinkedPersonNode }
  }
`);

graphql(`
  fragment LinkFacts on FactLink { cursor from to agency classification }
`);

graphql(`
  fragment Page on PageInfo { hasNextPage endCursor }
`);

/** The profile's head; each of its lists is asked for on its own (ProfilePageQuery): smaller
 * statements that Neo4j plans quickly, answered in parallel. */
export const ProfileQuery = graphql(`
  query Profile($id: ID!, $today: Date!) {
    offender(id: $id) {
      ...OffenderCard version photosWithheld
      current: addresses(asOf: $today, first: 5) {
        withheld
        edges { main address { id line1 town postcode } }
      }
    }
  }
`);

/** A page of one of the profile's lists. */
export const ProfilePageQuery = graphql(`
  query ProfilePage(
    $id: ID!, $first: Int!, $after: String,
    $marks: Boolean!, $addresses: Boolean!, $associates: Boolean!, $vehicles: Boolean!,
    $intelligence: Boolean!, $riskAssessments: Boolean!
  ) {
    offender(id: $id) {
      id
      marks(first: $first, after: $after) @include(if: $marks) {
        totalCount withheld pageInfo { ...Page }
        edges { ...LinkFacts mark { id type bodyPart side orientation description photos { id url thumbnailUrl } photosWithheld } }
      }
      addresses(first: $first, after: $after) @include(if: $addresses) {
        totalCount withheld pageInfo { ...Page }
        edges {
          ...LinkFacts main
          address {
            id line1 town postcode kind
            residents(first: 10) { totalCount edges { from to person { ...LinkedPersonNode } } }
          }
        }
      }
      associates(first: $first, after: $after) @include(if: $associates) {
        totalCount withheld pageInfo { ...Page }
        edges { ...LinkFacts type person { ...LinkedPersonNode } }
      }
      vehicles(first: $first, after: $after) @include(if: $vehicles) {
        totalCount withheld pageInfo { ...Page }
        edges { ...LinkFacts role vehicle { id vrm make model colour } }
      }
      intelligence(first: $first, after: $after) @include(if: $intelligence) {
        totalCount withheld pageInfo { ...Page }
        edges { ...LinkFacts intelligence { id text source information handling conditions reviewOn recordedOn } }
      }
      riskAssessments(first: $first, after: $after) @include(if: $riskAssessments) {
        totalCount withheld pageInfo { ...Page }
        edges { ...LinkFacts assessment { id tool level assessedOn nextReviewOn } }
      }
    }
  }
`);

/** An alert as the panel lists it (`alerts`). */
graphql(`
  fragment AlertRow on Alert {
    id kind at dueOn subjectId read
    offender {
      __typename
      ... on Offender { id forename surname pncId }
      ... on RestrictedNominal { id managingAgency { code } }
    }
    event { cursor kind agency { code } }
  }
`);

export const AlertsQuery = graphql(`
  query Alerts($unreadOnly: Boolean!, $first: Int!, $after: String) {
    alerts(unreadOnly: $unreadOnly, first: $first, after: $after) {
      pageInfo { ...Page }
      edges { node { ...AlertRow } }
    }
  }
`);

export const UnreadAlertsQuery = graphql(`
  query UnreadAlerts($first: Int!) {
    alerts(unreadOnly: true, first: $first) { pageInfo { hasNextPage } edges { node { id } } }
  }
`);

export const MarkAlertsReadMutation = graphql(`
  mutation MarkAlertsRead($ids: [ID!]!) {
    markAlertsRead(ids: $ids)
  }
`);

/** Every change to an offender the agency may see, over WebSocket (web/src/live/). */
export const AgencyChangesSubscription = graphql(`
  subscription AgencyChanges($after: String) {
    myAgencyChanges(after: $after) {
      cursor kind at
      offender { __typename ... on Offender { id forename surname } ... on RestrictedNominal { id } }
    }
  }
`);
