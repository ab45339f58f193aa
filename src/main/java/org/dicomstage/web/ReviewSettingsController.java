package org.dicomstage.web;

import java.security.Principal;
import org.dicomstage.study.ReviewSettings;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A study's review setting: members read it, coordinators and admins turn four eyes on or off (audited). */
@RestController
class ReviewSettingsController {

    private final ReviewSettings settings;

    ReviewSettingsController(ReviewSettings settings) {
        this.settings = settings;
    }

    record Change(Boolean fourEyes) {
    }

    @GetMapping("/api/studies/{study}/review-setting")
    ReviewSettings.Setting get(@PathVariable String study, Principal user) {
        return settings.setting(user.getName(), Ids.study(study));
    }

    @PutMapping("/api/studies/{study}/review-setting")
    ReviewSettings.Setting put(@PathVariable String study, @RequestBody Change change, Principal user) {
        if (change == null || change.fourEyes() == null) {
            throw new ApiErrors.BadRequest("'fourEyes' is required: true or false.");
        }
        return settings.setFourEyes(user.getName(), Ids.study(study), change.fourEyes());
    }
}
