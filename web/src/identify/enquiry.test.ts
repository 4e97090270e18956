import { describe, expect, it } from "vitest";

import { type EnquiryForm, checkEnquiry, fieldOfApiError } from "./enquiry";

const blank: EnquiryForm = {
  gender: "", ageFrom: "", ageTo: "", name: "", markType: "", markBodyPart: "", markSide: "",
  markWords: "", plate: "", make: "", model: "", colour: "", postcode: "",
};

function errorsOf(form: Partial<EnquiryForm>) {
  const checked = checkEnquiry({ ...blank, ...form });
  return checked.ok ? [] : checked.errors;
}

describe("checkEnquiry", () => {
  it("builds the identify variables from a mark and a partial plate", () => {
    const checked = checkEnquiry({ ...blank, gender: "MALE", ageFrom: "20", ageTo: "40", markType: "TATTOO", markBodyPart: " left  forearm ", markSide: "LEFT", plate: "ab1? *", colour: "Blue" });
    expect(checked).toEqual({
      ok: true,
      variables: {
        first: 20, gender: "MALE", ageFrom: 20, ageTo: 40, name: null,
        marks: [{ type: "TATTOO", bodyPart: "left forearm", side: "LEFT", words: null }],
        vehicle: { vrm: "AB1?*", make: null, model: null, colour: "Blue" },
        place: null,
      },
    });
  });

  it("asks for at least one clue: gender and age only narrow", () => {
    expect(errorsOf({})).toEqual([{ field: "form", message: expect.stringContaining("at least one clue") }]);
    expect(errorsOf({ gender: "FEMALE", ageFrom: "30" })[0]?.field).toBe("form");
  });

  it("names the field of each mistake", () => {
    expect(errorsOf({ name: "Smith", ageFrom: "forty" })).toEqual([{ field: "ageFrom", message: "Age from must be a whole number of years." }]);
    expect(errorsOf({ name: "Smith", ageFrom: "50", ageTo: "20" })).toEqual([{ field: "ageTo", message: "Age to must not be below age from." }]);
    expect(errorsOf({ name: "Smith", ageTo: "130" })[0]?.field).toBe("ageTo");
    expect(errorsOf({ plate: "AB-12" })[0]?.field).toBe("plate");
    expect(errorsOf({ plate: "AB12CDEFG" })[0]?.field).toBe("plate");
    expect(errorsOf({ postcode: "SW1A" })[0]?.field).toBe("postcode");
    expect(errorsOf({ markSide: "LEFT" })[0]?.field).toBe("markSide");
    expect(errorsOf({ markType: "TAT" })[0]?.field).toBe("markType");
    expect(errorsOf({ colour: "x".repeat(41) })[0]?.field).toBe("colour");
  });

  it("takes a full postcode and the plate wildcards", () => {
    const checked = checkEnquiry({ ...blank, postcode: "sw1a  1aa", plate: "*CDE" });
    expect(checked.ok && checked.variables.place).toEqual({ postcode: "SW1A 1AA" });
    expect(checked.ok && checked.variables.vehicle?.vrm).toBe("*CDE");
  });
});

describe("fieldOfApiError", () => {
  it("points the API's messages at the form's fields", () => {
    expect(fieldOfApiError("`vrm`: 'A' is not a plate pattern")).toBe("plate");
    expect(fieldOfApiError("`place.postcode`: 'X' is not a valid postcode")).toBe("postcode");
    expect(fieldOfApiError("`ageFrom` must not be above `ageTo`")).toBe("ageTo");
    expect(fieldOfApiError("something else")).toBe("form");
  });
});
