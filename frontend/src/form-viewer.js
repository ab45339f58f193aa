// Renders Camunda Forms (the same forms/*.form the engine deploys) for the tasks view.
import { Form } from '@bpmn-io/form-js';

window.DicomStageForms = { Form };
