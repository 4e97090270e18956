// A witness enquiry (`identify`): what the form holds, checked and turned into the query's
// variables, or into messages naming the field at fault. The API checks again (BAD_USER_INPUT).
import type { IdentifyQueryVariables } from "../gql/graphql";
import { MARK_TYPES } from "../canvas/model";

export const GENDERS = ["MALE", "FEMALE", "OTHER", "UNKNOWN"] as const;
export const SIDES = ["LEFT", "RIGHT", "CENTRE"] as const;
export const MAX_AGE = 120;

/** The form's fields, as typed (every one optional; empty means "not seen"). */
export interface EnquiryForm {
  gender: string;
  ageFrom: string;
  ageTo: string;
  name: string;
  markType: string;
  markBodyPart: string;
  markSide: string;
  markWords: string;
  plate: string;
  make: string;
  model: string;
  colour: string;
  postcode: string;
}

/** A problem with one field: `field` is the EnquiryForm key, for the form to point at. */
export interface FieldError {
  field: keyof EnquiryForm | "form";
  message: string;
}

export type Checked = { ok: true; variables: IdentifyQueryVariables } | { ok: false; errors: FieldError[] };

// Letters and digits with `?` (one unknown character) and `*` (any run); spaces ignored.
const PLATE = /^[A-Z0-9?*]{1,8}$/;
// A full UK postcode (the API matches addresses by the whole postcode).
const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/;

function age(field: "ageFrom" | "ageTo", text: string, errors: FieldError[]): number | null {
  if (!text.trim()) return null;
  const label = field === "ageFrom" ? "Age from" : "Age to";
  if (!/^\d+$/.test(text.trim())) {
    errors.push({ field, message: `${label} must be a whole number of years.` });
    return null;
  }
  const value = Number(text.trim());
  if (value > MAX_AGE) {
    errors.push({ field, message: `${label} must be 0 to ${MAX_AGE}.` });
    return null;
  }
  return value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): T | null {
  return (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

function text(value: string): string | null {
  const trimmed = value.trim().replace(/\s+/g, " ");
  return trimmed || null;
}

/** Check the form and build the `identify` variables, or say what is wrong with it. */
export function checkEnquiry(form: EnquiryForm, first = 20): Checked {
  const errors: FieldError[] = [];
  const ageFrom = age("ageFrom", form.ageFrom, errors);
  const ageTo = age("ageTo", form.ageTo, errors);
  if (ageFrom !== null && ageTo !== null && ageFrom > ageTo) {
    errors.push({ field: "ageTo", message: "Age to must not be below age from." });
  }
  const gender = form.gender ? oneOf(form.gender, GENDERS) : null;
  if (form.gender && !gender) errors.push({ field: "gender", message: "Choose a gender from the list." });

  const markType = form.markType ? oneOf(form.markType, MARK_TYPES) : null;
  if (form.markType && !markType) errors.push({ field: "markType", message: "Choose a mark type from the list." });
  const side = form.markSide ? oneOf(form.markSide, SIDES) : null;
  if (form.markSide && !side) errors.push({ field: "markSide", message: "Choose a side from the list." });
  const bodyPart = text(form.markBodyPart);
  const words = text(form.markWords);
  if (bodyPart && bodyPart.length > 100) errors.push({ field: "markBodyPart", message: "Body part is too long (100 characters at most)." });
  if (words && words.length > 200) errors.push({ field: "markWords", message: "What the mark shows is too long (200 characters at most)." });
  const markGiven = Boolean(markType || bodyPart || words);
  if (side && !markGiven) {
    errors.push({ field: "markSide", message: "A side alone is no clue: add the mark's type, body part or what it shows." });
  }

  const plate = form.plate.toUpperCase().replace(/\s+/g, "");
  if (plate && !PLATE.test(plate)) {
    errors.push({ field: "plate", message: "Plate: up to 8 letters and digits, with ? for one unknown character and * for any run (AB1? ?DE)." });
  }
  const make = text(form.make);
  const model = text(form.model);
  const colour = text(form.colour);
  for (const [field, label, value] of [["make", "Make", make], ["model", "Model", model], ["colour", "Colour", colour]] as const) {
    if (value && value.length > 40) errors.push({ field, message: `${label} is too long (40 characters at most).` });
  }
  const vehicleGiven = Boolean(plate || make || model || colour);

  const postcode = form.postcode.toUpperCase().trim().replace(/\s+/g, " ");
  if (postcode && !POSTCODE.test(postcode)) {
    errors.push({ field: "postcode", message: "Area: a full UK postcode, such as SW1A 1AA." });
  }
  const name = text(form.name);
  if (name && name.length > 100) errors.push({ field: "name", message: "Name is too long (100 characters at most)." });

  if (!errors.length && !name && !markGiven && !vehicleGiven && !postcode) {
    errors.push({
      field: "form",
      message: "Give at least one clue: a name, a mark, a vehicle or an area. Gender and age only narrow the candidates.",
    });
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    variables: {
      first,
      gender,
      ageFrom,
      ageTo,
      name,
      marks: markGiven || side ? [{ type: markType, bodyPart, side, words }] : null,
      vehicle: vehicleGiven ? { vrm: plate || null, make, model, colour } : null,
      place: postcode ? { postcode } : null,
    },
  };
}

/** Which form field an API error message is about, when it names one. */
export function fieldOfApiError(message: string): FieldError["field"] {
  const named: [RegExp, FieldError["field"]][] = [
    [/`ageTo`|`ageFrom`/, "ageTo"],
    [/`place\.postcode`|postcode/, "postcode"],
    [/`vrm`|plate/i, "plate"],
    [/`make`/, "make"],
    [/`model`/, "model"],
    [/`colour`/, "colour"],
    [/mark clue|`bodyPart`/, "markBodyPart"],
  ];
  return named.find(([pattern]) => pattern.test(message))?.[1] ?? "form";
}
