// Component tests wait for the page to settle; on a busy machine (the suite shares two cores with the
// browser tests) the first render of a deck can take longer than testing-library's 1 s default.
import { configure } from "@testing-library/dom";

configure({ asyncUtilTimeout: 5000 });
