// Admin modeler: Camunda 8 (zeebe) extensions and bpmnlint validation in the canvas.
import Modeler from 'bpmn-js/lib/Modeler';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import lintModule from 'bpmn-js-bpmnlint';
import bpmnlintConfig from '../generated/bpmnlint-config.js';

function createModeler(container) {
  return new Modeler({
    container,
    keyboard: { bindTo: document },
    additionalModules: [lintModule],
    moddleExtensions: { zeebe: zeebeModdle },
    linting: { bpmnlint: bpmnlintConfig, active: true }
  });
}

window.DicomStageBpmnModeler = { createModeler };
