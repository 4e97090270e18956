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
    managingAgency { code name }
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

export const NetworkQuery = graphql(`
  query Network($offenderId: ID!, $depth: Int!, $linkTypes: [LinkType!], $asOf: Date) {
    network(offenderId: $offenderId, depth: $depth, linkTypes: $linkTypes, asOf: $asOf) {
      nodes { ...GraphNode }
      edges { ...GraphEdge }
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
          totalCount
          edges { from to agency classification address { id line1 town postcode kind } }
        }
        associates(asOf: $asOf, first: $first) @include(if: $associates) {
          totalCount
          edges { from to agency classification type person { ...LinkedPersonNode } }
        }
        vehicles(asOf: $asOf, first: $first) @include(if: $vehicles) {
          totalCount
          edges { from to agency classification role vehicle { id vrm make model colour } }
        }
      }
      ... on Address {
        id
        residents(asOf: $asOf, first: $first) @include(if: $residents) {
          totalCount
          edges { from to agency classification main person { ...LinkedPersonNode } }
        }
      }
      ... on Vehicle {
        id
        users(asOf: $asOf, first: $first) @include(if: $users) {
          totalCount
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
  query Profile($id: ID!) {
    offender(id: $id) { ...OffenderCard version }
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
        totalCount pageInfo { ...Page }
        edges { ...LinkFacts mark { id type bodyPart side orientation description photos { id url thumbnailUrl } } }
      }
      addresses(first: $first, after: $after) @include(if: $addresses) {
        totalCount pageInfo { ...Page }
        edges {
          ...LinkFacts main
          address {
            id line1 town postcode kind
            residents(first: 10) { totalCount edges { from to person { ...LinkedPersonNode } } }
          }
        }
      }
      associates(first: $first, after: $after) @include(if: $associates) {
        totalCount pageInfo { ...Page }
        edges { ...LinkFacts type person { ...LinkedPersonNode } }
      }
      vehicles(first: $first, after: $after) @include(if: $vehicles) {
        totalCount pageInfo { ...Page }
        edges { ...LinkFacts role vehicle { id vrm make model colour } }
      }
      intelligence(first: $first, after: $after) @include(if: $intelligence) {
        totalCount pageInfo { ...Page }
        edges { ...LinkFacts intelligence { id text source information handling conditions reviewOn recordedOn } }
      }
      riskAssessments(first: $first, after: $after) @include(if: $riskAssessments) {
        totalCount pageInfo { ...Page }
        edges { ...LinkFacts assessment { id tool level assessedOn nextReviewOn } }
      }
    }
  }
`);
