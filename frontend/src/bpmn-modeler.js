// Admin modeler: Camunda 8 (zeebe) extensions, the Zeebe properties panel, and bpmnlint validation in the canvas
// (recommended rules and Camunda 8.8 compatibility, see .bpmnlintrc).
import Modeler from 'bpmn-js/lib/Modeler';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  ZeebePropertiesProviderModule
} from 'bpmn-js-properties-panel';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import lintModule from 'bpmn-js-bpmnlint';
import bpmnlintConfig from '../generated/bpmnlint-config.js';

// diagram-js 15 binds the keyboard to the canvas itself: passing keyboard.bindTo only logs
// "unsupported configuration <keyboard.bindTo>". The canvas takes the keys once it has the focus.
function createModeler(container, propertiesParent) {
  return new Modeler({
    container,
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      ZeebePropertiesProviderModule,
      ZeebeBehaviorsModule,
      lintModule
    ],
    moddleExtensions: { zeebe: zeebeModdle },
    propertiesPanel: { parent: propertiesParent },
    linting: { bpmnlint: bpmnlintConfig, active: true }
  });
}

window.DicomStageBpmnModeler = { createModeler };
